from django.urls import path

from . import gap_views, views

app_name = "catalog"

urlpatterns = [
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/requirement-row/", views.requirement_row, name="requirement_row"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/archive/", views.service_archive, name="service_archive"),
    path("services/<int:pk>/restore/", views.service_restore, name="service_restore"),
    path("competitors/", views.competitor_list, name="competitor_list"),
    path("competitors/new/", views.competitor_create, name="competitor_create"),
    path("competitors/<int:pk>/", views.competitor_detail, name="competitor_detail"),
    path("competitors/<int:pk>/edit/", views.competitor_edit, name="competitor_edit"),
    path("competitors/<int:pk>/archive/", views.competitor_archive, name="competitor_archive"),
    path("gaps/", gap_views.gap_analysis, name="gap_analysis"),
    path("gaps/accept/", gap_views.remedy_accept, name="remedy_accept"),
    path("plan/", gap_views.plan_list, name="plan_list"),
    path("plan/<int:pk>/status/", gap_views.plan_item_status, name="plan_item_status"),
]
