from django.contrib.auth import views as auth_views
from django.urls import path

from . import firm_views, mfa_views, people_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", people_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        people_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        people_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        people_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("firm/", firm_views.firm_settings, name="firm_settings"),
    path("firm/logo/", firm_views.firm_logo, name="firm_logo"),
    path("people/", people_views.people, name="people"),
    path("people/new/", people_views.person_invite, name="person_invite"),
    path("people/<int:pk>/", people_views.person_detail, name="person_detail"),
    path("people/<int:pk>/deactivate/", people_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people_views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/unlock/", people_views.person_unlock, name="person_unlock"),
    path(
        "people/<int:pk>/reset-password/",
        people_views.person_reset_password,
        name="person_reset_password",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("mfa/setup/", mfa_views.setup, name="mfa_setup"),
    path("mfa/verify/", mfa_views.verify, name="mfa_verify"),
    path("mfa/recovery-codes/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("mfa/disable/", mfa_views.disable, name="mfa_disable"),
    path("mfa/policy/", mfa_views.policy, name="mfa_policy"),
    path("audit/", views.audit_log, name="audit_log"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
]
