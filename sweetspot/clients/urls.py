from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("new/", views.company_create, name="company_create"),
    path("lookup/", views.company_lookup, name="company_lookup"),
    path("export/", views.company_export, name="company_export"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:job_id>/", views.import_status, name="import_status"),
    path("import/<int:job_id>/apply/", views.import_apply, name="import_apply"),
    path("<int:pk>/", views.company_detail, name="company_detail"),
    path("<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("<int:pk>/archive/", views.company_archive, name="company_archive"),
    path("<int:pk>/restore/", views.company_restore, name="company_restore"),
    path("<int:pk>/export/", views.company_record_export, name="company_record_export"),
    path("<int:pk>/environment/", views.environment_edit, name="environment_edit"),
    path("<int:pk>/sites/new/", views.site_create, name="site_create"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/archive/", views.site_archive, name="site_archive"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path(
        "contacts/<int:pk>/portal-invite/",
        views.contact_portal_invite,
        name="contact_portal_invite",
    ),
]
