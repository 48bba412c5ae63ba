"""The agency model: the tenant, its divisions and shifts, and the HR roster.

Every other feature reads these. The chain of command is stored as a materialised path on each
employee (`chain_path`) so that "is A above or below B?" and "everyone under B" are index range
queries, not walks over the roster (2011 §7.2: no peer support between supervisors and
subordinates).
"""

from django.core.validators import MinValueValidator
from django.db import models

from .validators import validate_state, validate_time_zone


class GuidelineEdition(models.TextChoices):
    IACP_2011 = "2011", "IACP Peer Support Guidelines, Chicago 2011"
    IACP_2006 = "2006", "IACP Peer Support Guidelines, Boston 2006"


class Agency(models.Model):
    """A tenant. One deployment can hold several agencies of a regional team (2011 §3.8.2)."""

    code = models.SlugField(
        max_length=20, unique=True, help_text="Short code used on the command line."
    )
    name = models.CharField(max_length=200)
    state = models.CharField(
        max_length=2,
        validators=[validate_state],
        help_text="Two-letter jurisdiction; privilege law is state law.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="America/Chicago",
        validators=[validate_time_zone],
        help_text="A tz database name such as America/Denver: months and quarters are counted in it.",
    )
    guideline_edition = models.CharField(
        max_length=4, choices=GuidelineEdition.choices, default=GuidelineEdition.IACP_2011
    )
    # Smallest count management may see (2011 §3.1); the CMS cell-size rule is 11, never below 5.
    suppression_k = models.PositiveSmallIntegerField(default=11, validators=[MinValueValidator(5)])
    # 2011 §8.2: four hours of update training per quarter.
    training_hours_per_quarter = models.DecimalField(max_digits=4, decimal_places=1, default=4)
    # 2011 §7.3: many contacts with one person may mean a referral is needed.
    repeat_contact_threshold = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(2)]
    )
    # 2011 §3.8.1: enough PSPs for every shift, division, sworn and civilian. The coverage target:
    # one active PSP for every this many employees in each shift × division × category cell.
    employees_per_psp = models.PositiveSmallIntegerField(
        "employees per peer supporter (target)", default=25, validators=[MinValueValidator(1)]
    )
    # 2011 §4.1: volunteers in good standing; the agency sets the minimum service.
    min_service_months = models.PositiveSmallIntegerField(
        "minimum months of service to volunteer", default=12
    )
    # 2011 §3.9: the coordinator activates the team; the agency may let other roles do it too.
    activation_roles = models.JSONField(
        "other roles that may activate the team", default=list, blank=True
    )
    # Paging (2011 §3.3): no answer within this many minutes escalates to the next candidates.
    page_timeout_minutes = models.PositiveSmallIntegerField(
        "minutes to answer a page", default=10, validators=[MinValueValidator(1)]
    )
    # Who was involved in an incident is erased this many days after it closes; counts stay.
    incident_retention_days = models.PositiveSmallIntegerField(
        "days to keep who was involved after an incident closes", default=30
    )
    # 2011 §1.1, §2.3.7: the program may reach employees' families and its retirees; the agency
    # decides. Read by the pages a family member or retiree uses and by the directory.
    serves_families = models.BooleanField("families of employees are served", default=True)
    serves_retirees = models.BooleanField("retirees are served", default=True)

    class Meta:
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suppression_k__gte=5), name="suppression_k_at_least_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # 2011 §3.1: management receives only anonymous statistics, so command staff can never
        # activate the team (the board names who was involved and who answered).
        if "command_staff" in (self.activation_roles or []):
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"activation_roles": "Command staff cannot activate the team: management "
                 "receives only anonymous statistics (2011 §3.1)."}
            )  # fmt: skip


class Division(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="divisions")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unique_division_code")
        ]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="shifts")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unique_shift_code")]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    """Sworn or civilian (2011 §3.8.1: teams should have both)."""

    SWORN = "sworn", "Sworn"
    CIVILIAN = "civilian", "Civilian"


class JobFamily(models.TextChoices):
    PATROL = "patrol", "Patrol"
    INVESTIGATIONS = "investigations", "Investigations"
    TELECOMMUNICATIONS = "telecommunications", "Telecommunications"  # 2011 §3.8.1
    CORRECTIONS = "corrections", "Corrections"
    RECORDS = "records", "Records"
    COMMAND = "command", "Command"
    OTHER = "other", "Other"


class SeparationKind(models.TextChoices):
    """Planned moves that change team size (2011 §3.8, §3.8.3)."""

    RETIREMENT = "retirement", "Retirement"
    TRANSFER = "transfer", "Transfer"
    PROMOTION = "promotion", "Promotion"


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def current(self) -> "EmployeeQuerySet":
        """Employees still with the agency (not separated by a later roster import)."""
        return self.filter(separated_on__isnull=True)


class Employee(models.Model):
    """A member of the agency, sworn or civilian, as the HR export describes them."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="employees")
    employee_number = models.CharField(max_length=32)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    job_family = models.CharField(max_length=24, choices=JobFamily.choices, default=JobFamily.OTHER)
    rank = models.CharField("rank or title", max_length=100, blank=True)
    # RESTRICT, not PROTECT: a division with employees cannot be deleted on its own, but an
    # agency can be deleted with everything in it.
    division = models.ForeignKey(Division, on_delete=models.RESTRICT, related_name="employees")
    shift = models.ForeignKey(
        Shift, on_delete=models.RESTRICT, related_name="employees", null=True, blank=True
    )
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="direct_reports"
    )
    # Materialised chain of command: the fixed-width ids of every supervisor above, then our own.
    # See `peerline.agencies.chain`; kept up to date by the roster import and the demo seed.
    chain_path = models.CharField(max_length=255, editable=False, default="")
    good_standing = models.BooleanField(default=True)  # 2011 §4.1
    hire_date = models.DateField(null=True, blank=True)
    separation_date = models.DateField("planned separation date", null=True, blank=True)
    separation_kind = models.CharField(max_length=16, choices=SeparationKind.choices, blank=True)
    # Set when a roster import no longer lists the employee; the row stays for history.
    separated_on = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="employee"
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employee_number"], name="unique_employee_number"
            ),
        ]
        indexes = [
            # The roster's order among current employees (`selectors.roster`), with the primary
            # key as the tie-break: a page of 50 reads 50 rows, not the whole agency (issue 18).
            models.Index(
                fields=["agency", "last_name", "first_name", "id"],
                condition=models.Q(separated_on__isnull=True),
                name="employee_current_name_idx",
            ),
            # The employee API's order (by number), among current employees.
            models.Index(
                fields=["agency", "employee_number"],
                condition=models.Q(separated_on__isnull=True),
                name="employee_current_number_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
