from django.urls import path

from . import views

app_name = "growth"

urlpatterns = [
    path("prospects/", views.prospects, name="prospects"),
    path("companies/<int:pk>/assess/", views.assess_company, name="company_assessment"),
    path("assess/preview/", views.assess_preview, name="assess_preview"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("settings/", views.firm_settings, name="settings"),
]
