"""A PSP's own training (2011 §8.2): their hours this quarter, what is missing, the topics they
have never covered, their sessions and their transcript. Only their own: the page reads the
logged-in user's place on the team, never an id from the request.

And the topic catalogue of both editions with the agency's own topics (2011 §8.1, §8.3).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from peerline.accounts import policy
from peerline.agencies import clock
from peerline.audit.exports import audited_export

from . import compliance, reports, selectors, services
from .forms import TopicForm
from .models import TrainingTopic

P = policy.Permission


@never_cache
@require_safe
@policy.requires(P.TRAINING_SELF)
def mine(request: policy.AgencyRequest) -> HttpResponse:
    psp = selectors.own_peer_supporter(request.user, request.agency)
    if psp is None:
        return render(request, "training/not_on_team.html")
    today = clock.local_today(request.agency)
    current, past = compliance.psp_quarters(peer_supporter=psp, today=today, count=4)
    upcoming = (
        selectors.sessions(request.agency)
        .filter(date__gt=today)
        .order_by("date", "start_time", "pk")[:5]
    )
    return render(
        request,
        "training/mine.html",
        {
            "psp": psp,
            "current": current,
            "past": past,
            "attendances": list(selectors.attendances_of(psp).reverse()[:50]),
            "never_covered": selectors.never_covered(peer_supporter=psp, until=today),
            "upcoming": upcoming,
            "today": today,
        },
    )


@never_cache
@require_safe
@policy.requires(P.TRAINING_SELF)
def my_transcript(request: policy.AgencyRequest) -> HttpResponse:
    psp = selectors.own_peer_supporter(request.user, request.agency)
    if psp is None:
        return render(request, "training/not_on_team.html")
    return render(
        request,
        "training/transcript.html",
        {
            "t": reports.transcript(psp),
            "pdf_url": reverse("training:my-transcript-pdf"),
            "own": True,
        },
    )


@never_cache
@require_safe
@policy.requires(P.TRAINING_SELF)
@audited_export("training.my_transcript_pdf")
def my_transcript_pdf(request: policy.AgencyRequest) -> HttpResponse:
    psp = selectors.own_peer_supporter(request.user, request.agency)
    if psp is None:
        return render(request, "training/not_on_team.html")
    return reports.pdf_response(psp)


# -- the catalogue (2011 §8.1, §8.3; 2006 Training 3) --------------------------------------------


@require_http_methods(["GET", "POST"])
@policy.requires(P.TRAINING_CATALOGUE)
def topics(request: policy.AgencyRequest) -> HttpResponse:
    """Both editions side by side with the mapping, and the agency's own topics, which the
    steering committee adds and retires (2011 §8.1)."""
    agency = request.agency
    form = TopicForm()
    if request.method == "POST":
        if request.POST.get("action") == "retire":
            raw = request.POST.get("topic", "")
            topic = (
                TrainingTopic.objects.filter(agency=agency, pk=int(raw)).first()
                if raw.isdigit()
                else None
            )
            if topic is None:
                messages.error(request, "Choose one of the agency's own topics to retire.")
            else:
                services.topic_retire(agency=agency, topic=topic, on=clock.local_today(agency))
                messages.success(request, f"“{topic.title}” is retired from the catalogue.")
            return redirect("training:topics")
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic = services.topic_add(
                    agency=agency, title=form.cleaned_data["title"], by=request.user
                )
            except services.TrainingError as error:
                form.add_error("title", str(error))
            else:
                messages.success(request, f"“{topic.title}” is added to the catalogue.")
                return redirect("training:topics")
    return render(
        request,
        "training/topics.html",
        {
            "form": form,
            "mapping": selectors.edition_mapping(),
            "own": selectors.agency_topics(agency, retired=True),
            "edition": agency.get_guideline_edition_display(),
        },
        status=400 if form.errors else 200,
    )
