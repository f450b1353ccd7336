"""Version order for the schemes real vendors write, ranges just inside and just outside, and texts that are not
versions (links, prose, hostile lengths)."""

from __future__ import annotations

import pytest

from canhgac.advisories.phrases import PhraseError, from_description, parse_constraints, parse_free_text
from canhgac.advisories.versions import (
    Range,
    VersionError,
    compare,
    describe,
    is_wildcard,
    prefix_range,
    problem_of,
    try_key,
    version_key,
)


@pytest.mark.parametrize(("older", "newer"), [
    # dotted numbers, with and without trailing zeros
    ("5.3.17", "5.3.18"), ("5.2.20", "5.3.0"), ("9.0.31", "9.0.100"), ("1.9", "1.10"),
    # Windows builds: the revision after the build number
    ("10.0.19045.3569", "10.0.19045.3570"), ("10.0.19044.9999", "10.0.19045.0"), ("6.3.9600.21503", "10.0.14393.1"),
    # Exchange builds, as Microsoft's records pad them and as Exchange prints them
    ("15.02.1258.027", "15.2.1258.28"), ("Version 15.2 (Build 1258.27)", "15.2.1258.28"),
    ("15.1.2507.35", "15.2.986.5"),
    # Zimbra patch levels in their three spellings
    ("8.8.15 Patch 40", "8.8.15 Patch 41"), ("8.8.15_P40", "8.8.15.p41"), ("8.8.15", "8.8.15 Patch 1"),
    ("8.8.15 Patch 46", "9.0.0"), ("9.0.0 Patch 9", "9.0.0 Patch 10"),
    # F5 BIG-IP point releases and engineering hotfixes
    ("17.1.0.2", "17.1.0.3"), ("17.1.0.3", "Hotfix-BIGIP-17.1.0.3.0.75.4-ENG.iso"), ("17.1.0.3.0.75.4", "17.1.1"),
    ("16.1.4.1", "17.1.0"),
    # semver with pre-releases (semver.org's own example order)
    ("1.0.0-alpha", "1.0.0-alpha.1"), ("1.0.0-alpha.1", "1.0.0-beta"), ("1.0.0-beta", "1.0.0-beta.2"),
    ("1.0.0-beta.2", "1.0.0-beta.11"), ("1.0.0-beta.11", "1.0.0-rc.1"), ("1.0.0-rc.1", "1.0.0"),
    ("2.0.0-SNAPSHOT", "2.0.0"), ("1.0.0-dev1", "1.0.0-rc2"),
    # letters, patch and update levels of other vendors
    ("1.1.1v", "1.1.1w"), ("1.1.1", "1.1.1a"), ("8.9", "8.9p1"), ("8u291", "8u301"), ("7.0 Update 2", "7.0 Update 3"),
    ("15.2(4)E10", "15.2(7)E7"), ("15.2(7)E7", "15.2(7)E9"), ("CU13", "CU14"), ("V5.7.3", "V5.7.13"),
])
def test_versions_order_as_their_vendors_mean(older: str, newer: str) -> None:
    assert compare(older, newer) == -1
    assert compare(newer, older) == 1


@pytest.mark.parametrize(("one", "other"), [
    ("8.8", "8.8.0"), ("8.8.15_P41", "8.8.15 Patch 41"), ("8.8.15.p41", "8.8.15 patch 41"),
    ("15.02.1258.028", "15.2.1258.28"), ("5.3.17.RELEASE", "5.3.17"), ("1.0-rc1", "1.0.0-rc1"),
    ("5.3.18+", "5.3.18"), ("1.0.0+build.5", "1.0.0"), ("7.0 Update 3", "7.0 update_3"), ("v5.5.82", "5.5.82"),
    ("Hotfix-BIGIP-17.1.0.3.0.75.4-ENG.iso", "17.1.0.3.0.75.4"),
])
def test_spellings_of_one_version_are_equal(one: str, other: str) -> None:
    assert compare(one, other) == 0


@pytest.mark.parametrize("text", ["https://aka.ms/OfficeSecurityReleases", "n/a", "unspecified", "", "x" * 500,
                                  "www.microsoft.com/update", "9" * 5000])
def test_texts_that_are_not_versions_are_refused_not_guessed(text: str) -> None:
    with pytest.raises(VersionError):
        version_key(text)
    assert try_key(text) is None
    assert problem_of(text)


def test_a_link_is_named_as_a_link() -> None:
    assert problem_of("https://aka.ms/OfficeSecurityReleases") == "a link, not a version"
    assert problem_of("8.8.15 Patch 41") == ""


def test_a_version_of_many_digits_does_not_cost_a_big_integer() -> None:
    assert try_key("1." + "9" * 60) is not None  # clipped, not converted in full


@pytest.mark.parametrize("text", ["*", "-", "", "  ", "n/a", "All"])
def test_wildcards(text: str) -> None:
    assert is_wildcard(text)


def key(text: str) -> tuple[object, ...]:
    return version_key(text)


def test_a_range_holds_its_bounds_as_written() -> None:
    half_open = Range(start=key("16.0.0"), end=key("16.0.10399.20005"))
    assert half_open.contains(key("16.0.0")) and half_open.contains(key("16.0.10399.20004"))
    assert not half_open.contains(key("16.0.10399.20005")) and not half_open.contains(key("15.9"))
    closed = Range(start=key("17.1.0"), start_inclusive=False, end=key("17.1.1"), end_inclusive=True)
    assert not closed.contains(key("17.1.0")) and closed.contains(key("17.1.0.1")) and closed.contains(key("17.1.1"))
    assert not closed.contains(key("17.1.1.1"))
    exact = Range(exact=key("8.8.15 p3"))
    assert exact.contains(key("8.8.15 Patch 3")) and not exact.contains(key("8.8.15 Patch 4"))
    assert Range().unbounded and Range().contains(key("0.1"))


def test_a_branch_wildcard_is_the_branch() -> None:
    branch = prefix_range("5.3")
    assert branch.contains(key("5.3.0")) and branch.contains(key("5.3.99")) and not branch.contains(key("5.4.0"))
    assert not branch.contains(key("5.2.99"))


def test_ranges_are_described_as_people_write_them() -> None:
    assert describe(end="8.8.15 Patch 41") == "< 8.8.15 Patch 41"
    assert describe(start="17.1.0", end="17.1.1", end_inclusive=True) == ">= 17.1.0, <= 17.1.1"
    assert describe(exact="8.8.15 p3") == "= 8.8.15 p3"
    assert describe() == "all versions"


@pytest.mark.parametrize(("text", "inside", "outside"), [
    ("< 8.8.15 Patch 41", ["8.8.15 Patch 40", "8.8.0"], ["8.8.15 Patch 41", "9.0.0"]),
    (">= 9.0.0, < 9.0.0 Patch 36", ["9.0.0", "9.0.0 Patch 35"], ["9.0.0 Patch 36", "8.8.15 Patch 46"]),
    ("5.3.x", ["5.3.0", "5.3.31"], ["5.4.0", "5.2.25"]),
    ("17.1.0 - 17.1.1", ["17.1.0", "17.1.1"], ["17.1.1.1", "16.1.4"]),
    ("vers:generic/>=1.0|<2.0", ["1.0", "1.9.9"], ["2.0", "0.9"]),
    ("<4.2", ["4.1.9"], ["4.2"]),
    ("9.1 and earlier", ["9.1", "8.0"], ["9.1.1"]),
    ("= 8.8.15 p3; >= 9.0, < 9.0.0 Patch 36", ["8.8.15 Patch 3", "9.0.0 Patch 1"], ["8.8.15 Patch 4"]),
])
def test_the_socs_constraints_just_inside_and_just_outside(text: str, inside: list[str], outside: list[str]) -> None:
    from canhgac.advisories.matching import build_range

    ranges = [build_range(b.exact, b.start, b.start_inclusive, b.end, b.end_inclusive) for b in parse_constraints(text)]
    for version in inside:
        assert any(found and found.contains(key(version)) for found in ranges), version
    for version in outside:
        assert not any(found and found.contains(key(version)) for found in ranges), version


@pytest.mark.parametrize("text", ["junk words", ">= https://example.com", "< abc", "between two and three"])
def test_constraints_that_are_not_ranges_are_refused(text: str) -> None:
    with pytest.raises(PhraseError):
        parse_constraints(text)


def test_spring4shell_free_text_gives_its_three_ranges() -> None:
    found = parse_free_text("Spring Framework versions 5.3.X prior to 5.3.18+, 5.2.x prior to 5.2.20+ and all old "
                            "and unsupported versions")
    assert [(b.start, b.end) for b in found] == [("5.3", "5.3.18"), ("5.2", "5.2.20"), ("", "5.2")]


def test_the_zimbra_description_names_product_branch_and_bound() -> None:
    [(product, bounds)] = from_description(
        "Zimbra Collaboration (ZCS) 8 before 8.8.15 Patch 41 allows XSS in the Zimbra Classic Web Client.")
    assert (product, bounds.start, bounds.end) == ("Zimbra Collaboration (ZCS)", "8", "8.8.15 Patch 41")
    assert from_description("In Apache Struts before 2.5.33, a file upload flaw.")[0][0] == "Apache Struts"
    assert from_description("A flaw was found in the kernel.") == []
