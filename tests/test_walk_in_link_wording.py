"""A walk-in's Recipient Portal link is not emailed (found by the outside check: the form said
the email address was "for ... the proof of vaccination", and a walk-in registered with one got
no email at all): the form and the notice after registering say staff print or show it."""

from tests.support.care import NO_TO_ALL, letters, person, vaccinating_site


async def test_the_walk_in_form_and_notice_say_the_link_is_printed_or_shown(system):
    site = await vaccinating_site(system)
    page = await site.provider.get(f"/care/{site.location_id}/walk-in")
    assert "For the second-dose reminder and the proof of vaccination" not in page.text
    assert "Recipient Portal link, for the proof of vaccination, is printed or shown" in page.text
    form = {k: v for k, v in {**person(letters(), email="walk@example.org"), **NO_TO_ALL,
                              "health_care_worker": "yes"}.items() if v is not None}
    done = await site.provider.post(f"/care/{site.location_id}/walk-in", data=form,
                                    follow_redirects=True)
    assert done.status_code == 200 and "is registered." in done.text
    assert "is not emailed: print or show it to them below." in done.text
    assert "Print or show their Recipient Portal link" in done.text
