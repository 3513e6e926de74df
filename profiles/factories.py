import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils.text import slugify

from .models import (
    GoalKind,
    Interest,
    InterestCategory,
    MemberGoal,
    MemberInterest,
    Profile,
    Specialty,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Members are verified unless a test asks for verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )
        if create:
            self.save()

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff have an authenticator app unless a test asks for totp=False (the
        admin wants one); its secret is kept on the instance for making codes."""
        if create and self.is_staff and extracted is not False:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


class SpecialtyFactory(factory.django.DjangoModelFactory[Specialty]):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test specialty {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class InterestCategoryFactory(factory.django.DjangoModelFactory[InterestCategory]):
    class Meta:
        model = InterestCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class InterestFactory(factory.django.DjangoModelFactory[Interest]):
    class Meta:
        model = Interest
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test interest {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    category = factory.SubFactory(InterestCategoryFactory)


class GoalKindFactory(factory.django.DjangoModelFactory[GoalKind]):
    class Meta:
        model = GoalKind
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test goal {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ProfileFactory(factory.django.DjangoModelFactory[Profile]):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
    role = Profile.Role.ATTENDING
    specialty = factory.SubFactory(SpecialtyFactory)
    career_stage = Profile.CareerStage.MID
    city = factory.Faker("city")
    country = "US"
    time_zone = "America/New_York"
    bio = "Internist who loves teaching."

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            MemberInterest.objects.bulk_create(
                [MemberInterest(profile=self, interest=i) for i in extracted]
            )


class MemberGoalFactory(factory.django.DjangoModelFactory[MemberGoal]):
    class Meta:
        model = MemberGoal

    profile = factory.SubFactory(ProfileFactory)
    kind = factory.SubFactory(GoalKindFactory)
    direction = MemberGoal.Direction.SEEK
