"""Certification planner, mounted at growth/certifications/ (namespace "certplan")."""

from django.urls import path

from . import cert_views

app_name = "certplan"

urlpatterns = [
    path("plan/", cert_views.plan, name="cert_plan"),
]
