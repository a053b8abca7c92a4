from typing import Any

from django.urls import path

from . import catalog_views, views

app_name = "team"


def people_urls(prefix: str, kind: views.Kind, *, restore: bool, cert_edit: bool) -> list[Any]:
    """The routes of one kind of person, named ``<kind>_<action>`` as before."""
    k = {"kind": kind}
    name = kind.name
    routes = [
        path(f"{prefix}/", views.person_list, k, name=f"{name}_list"),
        path(f"{prefix}/new/", views.person_create, k, name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", views.person_detail, k, name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", views.person_edit, k, name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/archive/", views.person_archive, k, name=f"{name}_archive"),
        path(f"{prefix}/<int:pk>/skills/", views.skill_set, k, name=f"{name}_skill_set"),
        path(
            f"{prefix}/<int:pk>/skills/<int:skill_pk>/remove/",
            views.skill_remove,
            k,
            name=f"{name}_skill_remove",
        ),
        path(f"{prefix}/<int:pk>/certifications/new/", views.cert_add, k, name=f"{name}_cert_add"),
        path(
            f"{prefix}/certifications/<int:pk>/remove/",
            views.cert_remove,
            k,
            name=f"{name}_cert_remove",
        ),
    ]
    if restore:
        routes.append(
            path(f"{prefix}/<int:pk>/restore/", views.person_restore, k, name=f"{name}_restore")
        )
    if cert_edit:
        routes.append(
            path(
                f"{prefix}/certifications/<int:pk>/edit/",
                views.cert_edit,
                k,
                name=f"{name}_cert_edit",
            )
        )
    return routes


urlpatterns = [
    # Technicians and subcontractors share their views (views.Kind tells them apart).
    *people_urls(
        "technicians",
        views.TECHNICIAN,
        restore=True,
        cert_edit=True,
    ),
    *people_urls("subcontractors", views.SUBCONTRACTOR, restore=False, cert_edit=False),
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
