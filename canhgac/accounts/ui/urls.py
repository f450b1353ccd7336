from django.urls import path

from canhgac.accounts.ui import tokens, users, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", tokens.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.TokenRevokeView.as_view(), name="token_revoke"),
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserFormView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserFormView.as_view(), name="user_update"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user_deactivate"),
]
