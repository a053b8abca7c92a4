from django.urls import path

from . import views

app_name = "agreements"

# Route names are unique across the project (the authorization table keys on bare names).
urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("mine/", views.my_agreements, name="my_agreements"),
    path("promise/", views.promise_check, name="agreements_promise_check"),
    path("promise/summary/", views.promise_summary, name="agreements_promise_summary"),
    path("revenue/", views.revenue_page, name="agreements_revenue"),
    path("plans/", views.plan_list, name="agreement_plan_list"),
    path("plans/new/", views.plan_create, name="agreement_plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="agreement_plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="agreement_plan_edit"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/activate/", views.agreement_activate, name="agreement_activate"),
    path("<int:pk>/cancel/", views.agreement_cancel, name="agreement_cancel"),
    path("<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path("<int:pk>/expire/", views.agreement_expire, name="agreement_expire"),
    path("<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
]
