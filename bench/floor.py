"""The floors the suite measures product paths against (bench/suite.py), as a URL conf: every
Peerline URL, plus bare Django views doing the least the same request could do.

`POST /bench/floor/contacts`: the same bearer-token lookup as the API (the token's keyed digest,
its user active and the token unexpired), then one INSERT of the same contact row, through the
same middleware, in the same process. No membership, no agency lookup, no validation, no lock,
no closed-period check: the floor the API's contact logging is compared with (issue 18: goal at
least 0.7 of the floor's rate).
"""

import json
from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from peerline.accounts import keys
from peerline.accounts.models import ApiToken
from peerline.contacts.models import Contact
from peerline.urls import urlpatterns as peerline_urlpatterns

AGENCY_ID = 0  # set by the suite: the floor knows its agency, the product resolves it


@login_not_required  # as the API's views: the bearer token is the authentication
@csrf_exempt
def contact_floor(request: HttpRequest) -> HttpResponse:
    key = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=keys.digest(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return HttpResponse(status=401)
    data = json.loads(request.body)
    month = date.fromisoformat(f"{data['month']}-01")
    referrals = set(data.get("referrals", []))
    contact = Contact.objects.create(
        agency_id=AGENCY_ID,
        peer_supporter_id=token.user_id,
        month=month,
        period=f"{month.year}-Q{(month.month - 1) // 3 + 1}",
        activity=data["activity"],
        recipient_group=data["recipient_group"],
        mode=data["mode"],
        initiated_by=data["initiated_by"],
        duration=data["duration"],
        referral_mental_health="mental_health" in referrals,
        referral_eap="eap" in referrals,
        referral_chaplain="chaplain" in referrals,
        referral_substance="substance" in referrals,
        referral_another_psp="another_psp" in referrals,
        referral_local_resource="local_resource" in referrals,
        limits_explained=data["limits_explained"],
        role_conflict=data["role_conflict"],
        prior_contacts=data["prior_contacts"],
    )
    return JsonResponse({"id": contact.pk, "month": str(month)}, status=201)


urlpatterns = [path("bench/floor/contacts", contact_floor), *peerline_urlpatterns]
