from django.contrib import admin

from .models import Agency, Division, Employee, Shift


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 1


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "state", "time_zone", "suppression_k"]
    inlines = [DivisionInline, ShiftInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Changes of k are recorded (2011 §3.1): they go through the coordinator's periods page.
        return ["suppression_k"] if obj else []


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    """Read-only: the roster comes from the HR export (`peerline import-personnel`)."""

    list_display = ["employee_number", "last_name", "first_name", "agency", "division", "category"]
    list_filter = ["agency", "category", "job_family"]
    search_fields = ["employee_number", "last_name"]
    list_select_related = ["agency", "division"]
    raw_id_fields = ["supervisor", "user"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
