"""Business development log and sales pipeline, mounted at growth/ (namespace "bd")."""

from django.urls import path

from . import bd_views

app_name = "bd"

urlpatterns = [
    path("followups/", bd_views.followups, name="followups"),
    path("activities/new/", bd_views.activity_create, name="activity_create"),
    path("activities/contacts/", bd_views.contact_options, name="contact_options"),
    path("activities/<int:pk>/edit/", bd_views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/done/", bd_views.activity_complete, name="activity_complete"),
    path("pipeline/", bd_views.pipeline_board, name="pipeline"),
    path("opportunities/new/", bd_views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/edit/", bd_views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", bd_views.opportunity_move, name="opportunity_move"),
]
