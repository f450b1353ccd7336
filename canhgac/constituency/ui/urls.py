app_name = "constituency"
urlpatterns: list = []
