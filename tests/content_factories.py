"""factory_boy factories for Learn articles, their sources and editors."""

import factory
from django.contrib.auth.models import Group, User

from content.models import Article, ArticleSource


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Test article {n}")
    slug = factory.Sequence(lambda n: f"test-article-{n}")
    summary = "A short summary for the list."
    body = "Some **Markdown** body."
    author = "Test Editor"
    is_published = True


class ArticleSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleSource

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Iron: Fact Sheet for Health Professionals"
    publisher = "NIH Office of Dietary Supplements"
    url = "https://ods.od.nih.gov/factsheets/Iron-HealthProfessional/"
    year = 2024


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")


def make_editor(**kwargs) -> User:
    """A staff user in the Editors group (the group made by content's data migration)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name="Editors"))
    user.save()
    return User.objects.get(pk=user.pk)  # fresh, so no permission cache
