from django.urls import path

from . import catalog_views, views

app_name = "team"

urlpatterns = [
    path("technicians/", views.technician_list, name="technician_list"),
    path("technicians/new/", views.technician_create, name="technician_create"),
    path("technicians/<int:pk>/", views.technician_detail, name="technician_detail"),
    path("technicians/<int:pk>/edit/", views.technician_edit, name="technician_edit"),
    path("technicians/<int:pk>/archive/", views.technician_archive, name="technician_archive"),
    path("technicians/<int:pk>/restore/", views.technician_restore, name="technician_restore"),
    path("technicians/<int:pk>/skills/", views.technician_skill_set, name="technician_skill_set"),
    path(
        "technicians/<int:pk>/skills/<int:skill_pk>/remove/",
        views.technician_skill_remove,
        name="technician_skill_remove",
    ),
    path(
        "technicians/<int:pk>/certifications/new/",
        views.technician_cert_add,
        name="technician_cert_add",
    ),
    path(
        "technicians/certifications/<int:pk>/edit/",
        views.technician_cert_edit,
        name="technician_cert_edit",
    ),
    path(
        "technicians/certifications/<int:pk>/remove/",
        views.technician_cert_remove,
        name="technician_cert_remove",
    ),
    path("subcontractors/", views.subcontractor_list, name="subcontractor_list"),
    path("subcontractors/new/", views.subcontractor_create, name="subcontractor_create"),
    path("subcontractors/<int:pk>/", views.subcontractor_detail, name="subcontractor_detail"),
    path("subcontractors/<int:pk>/edit/", views.subcontractor_edit, name="subcontractor_edit"),
    path(
        "subcontractors/<int:pk>/archive/",
        views.subcontractor_archive,
        name="subcontractor_archive",
    ),
    path(
        "subcontractors/<int:pk>/skills/",
        views.subcontractor_skill_set,
        name="subcontractor_skill_set",
    ),
    path(
        "subcontractors/<int:pk>/skills/<int:skill_pk>/remove/",
        views.subcontractor_skill_remove,
        name="subcontractor_skill_remove",
    ),
    path(
        "subcontractors/<int:pk>/certifications/new/",
        views.subcontractor_cert_add,
        name="subcontractor_cert_add",
    ),
    path(
        "subcontractors/certifications/<int:pk>/remove/",
        views.subcontractor_cert_remove,
        name="subcontractor_cert_remove",
    ),
    path("skills/", catalog_views.skill_list, name="skill_list"),
    path("skills/new/", catalog_views.skill_create, name="skill_create"),
    path("skills/<int:pk>/edit/", catalog_views.skill_edit, name="skill_edit"),
    path("certifications/", catalog_views.certification_list, name="certification_list"),
    path("certifications/new/", catalog_views.certification_create, name="certification_create"),
    path(
        "certifications/<int:pk>/",
        catalog_views.certification_detail,
        name="certification_detail",
    ),
    path(
        "certifications/<int:pk>/edit/",
        catalog_views.certification_edit,
        name="certification_edit",
    ),
    path(
        "certifications/<int:pk>/evidence/",
        catalog_views.certification_evidence_set,
        name="certification_evidence_set",
    ),
    path(
        "certifications/<int:pk>/evidence/<int:skill_pk>/remove/",
        catalog_views.certification_evidence_remove,
        name="certification_evidence_remove",
    ),
    path("matrix/", catalog_views.skills_matrix, name="skills_matrix"),
    path("matrix/export/", catalog_views.skills_matrix_export, name="skills_matrix_export"),
]
