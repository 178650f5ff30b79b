from django.urls import path

from helpcentre import views

app_name = "helpcentre"
# Mounted under help/ (the search page itself is the project's "help" URL, named in portal.urls).
urlpatterns = [
    path("search.json", views.search_json, name="search_json"),
    path("topics/", views.categories, name="categories"),
    path("topics/<slug:slug>/", views.category, name="category"),
    path("<slug:slug>/", views.article, name="article"),
]
