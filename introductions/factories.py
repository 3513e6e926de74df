import factory

from profiles.factories import ProfileFactory

from .models import Introduction


class IntroductionFactory(factory.django.DjangoModelFactory[Introduction]):
    """A proposed introduction between two new members, or the two given.

    The two may be given in either order: the pair is stored with the lower id as
    member_a, as the table's check constraint wants.
    """

    class Meta:
        model = Introduction

    member_a = factory.SubFactory(ProfileFactory)
    member_b = factory.SubFactory(ProfileFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        one, other = kwargs["member_a"], kwargs["member_b"]
        if one is not None and other is not None and one.pk > other.pk:
            kwargs["member_a"], kwargs["member_b"] = other, one
        return super()._create(model_class, *args, **kwargs)
