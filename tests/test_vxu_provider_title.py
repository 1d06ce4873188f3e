"""Found by an outside check: an administering provider typed with their title ("Dr. Rivera",
"Dr. Ann Smith") reached the state registry's VXU with "Dr." as their given name (RXA-10
"^Rivera^Dr."), and "Dr. Ann Smith" did not match the location's practicing provider Ann
Smith, so her license was left out. The title is XCN-6, the prefix, and not a name."""

import pytest

from api.domain.hl7_text import text_of
from models.enrollment_enums import LicenseType
from tests.test_vxu_provider_credentials import rxa_10, rxa_10_of_a_dose_typed


@pytest.mark.parametrize(("typed", "family", "given", "prefix"), [
    ("Dr. Rivera", "Rivera", "", "Dr."),
    ("Dr Jane Q. Public, MD", "Public", "Jane Q.", "Dr"),
    ("Doctor Ana Lucía Rivera", "Rivera", "Ana Lucía", "Doctor"),
    ("Drew Barry", "Barry", "Drew", ""),
    ("Dr.", "Dr.", "", ""),
])
def test_a_title_is_the_prefix_not_the_given_name(typed, family, given, prefix):
    xcn = rxa_10(typed)
    assert (text_of(xcn.xcn_2), text_of(xcn.xcn_3), text_of(xcn.xcn_6)) == (family, given, prefix)


async def test_a_provider_typed_with_a_title_keeps_their_license_in_rxa_10(system):
    assert await rxa_10_of_a_dose_typed(system, LicenseType.MD, "MD-5521", "Dr. Ann Smith") == [
        "MD-5521", "Smith", "Ann", "MD"]
