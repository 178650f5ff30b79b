from django import forms
from django.contrib import admin

from helpcentre.models import Article, Category, SearchMiss
from helpcentre.render import unknown_placeholders
from helpcentre.search import index_rebuild


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = (
            *("title", "slug", "summary", "body", "title_es", "summary_es", "body_es"),
            *("category", "related", "topics", "last_reviewed", "published"),
        )

    def clean_body(self) -> str:
        return _known_placeholders(self.cleaned_data["body"])

    def clean_body_es(self) -> str:
        return _known_placeholders(self.cleaned_data["body_es"])

    def clean(self) -> dict:
        """Spanish is all or nothing: a half-translated article would mix the languages."""
        cleaned = super().clean()
        spanish = [cleaned.get(name) for name in ("title_es", "summary_es", "body_es")]
        if any(spanish) and not all(spanish):
            raise forms.ValidationError(
                "Fill in the Spanish title, summary and body together, or leave all three empty."
            )
        return cleaned


def _known_placeholders(body: str) -> str:
    if unknown := unknown_placeholders(body):
        raise forms.ValidationError(f"Unknown placeholder: {', '.join(unknown)}")
    return body


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_es", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ("title", "title_es", "category", "topics", "last_reviewed", "view_count", "published")
    list_filter = ("category", "published")
    search_fields = ("title", "summary", "body", "title_es", "summary_es", "body_es", "slug")
    fieldsets = (
        ("English", {"fields": ("title", "slug", "summary", "body")}),
        ("Spanish", {"fields": ("title_es", "summary_es", "body_es")}),
        (None, {"fields": ("category", "related", "topics", "last_reviewed", "published", "view_count", "updated_at")}),
    )
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("related",)
    readonly_fields = ("view_count", "updated_at")

    # The search index follows every change made here.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        index_rebuild()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        index_rebuild()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        index_rebuild()


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    list_display = ("query", "count", "first_seen", "last_seen")
    search_fields = ("query",)
    readonly_fields = ("query", "count", "first_seen", "last_seen")

    def has_add_permission(self, request) -> bool:
        return False
