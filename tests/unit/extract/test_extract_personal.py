"""Personal data in published text: valid numbers found and masked, look-alikes left alone."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extract.personal import find_personal_data, mask

TODAY = date(2026, 12, 7)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A number with the right GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_ID = id_number("41010219900101123")
CARD = "6222020200112233445"  # 19 digits; made to pass Luhn below


def luhn_ok(digits: str) -> str:
    """``digits`` with its last digit set so that the number passes Luhn."""
    body = digits[:-1]
    for last in "0123456789":
        candidate = body + last
        total = 0
        for i, char in enumerate(reversed(candidate)):
            value = int(char)
            if i % 2 == 1:
                value = value * 2 - 9 if value > 4 else value * 2
            total += value
        if total % 10 == 0:
            return candidate
    raise AssertionError


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.masked) for m in find_personal_data(text, today=TODAY)]


def test_a_公示_row_with_an_id_and_a_mobile() -> None:
    text = f"序号 姓名 身份证号 联系电话\n1 张三 {VALID_ID} 13812345678\n"
    found = find_personal_data(text, today=TODAY)
    assert [(m.kind, m.masked) for m in found] == [
        ("id_card", VALID_ID[:4] + "*" * 10 + VALID_ID[-4:]),
        ("mobile", "138****5678"),
    ]
    for match in found:  # neither number is whole anywhere in what is kept
        assert VALID_ID not in match.snippet
        assert "13812345678" not in match.snippet
        assert "1381234567" not in match.snippet


@pytest.mark.parametrize(
    "text",
    [
        VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"),  # wrong check character
        id_number("99010219900101123"),  # no such province
        id_number("41010220300101123"),  # born in the future
        id_number("41010219901301123"),  # month 13
        "x" + VALID_ID,  # part of a longer code
        VALID_ID + "5",
    ],
)
def test_id_look_alikes_are_not_ids(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == "id_card"] == []


def test_x_as_the_check_character() -> None:
    number = next(
        n for n in (id_number(f"11010519491001{seq:03d}") for seq in range(1000)) if n[-1] == "X"
    )
    assert kinds(f"身份证：{number.lower()}") == [("id_card", mask("id_card", number))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系电话：13912345678。", ["139****5678"]),
        ("手机 +86 15012345678", ["150****5678"]),
        ("手机号18612345678、19912345678", ["186****5678", "199****5678"]),
        ("订单号 2022061913912345678", []),  # inside a longer run of digits
        ("12345678901", []),  # 12x is no mobile prefix
        ("15412345678", []),  # 154 is not used
        ("服务热线 400-881-2345 800-820-8820", []),
        ("发布时间 2022-13912345678", []),  # after a dash: part of something else
        ("v1.13912345678", []),
    ],
)
def test_mobile_numbers(text: str, expected: list[str]) -> None:
    assert [masked for kind, masked in kinds(text) if kind == "mobile"] == expected


def test_a_bank_card_needs_luhn_and_a_word_that_names_it() -> None:
    card = luhn_ok(CARD)
    assert kinds(f"开户行：某银行 银行卡号：{card}") == [("bank_card", mask("bank_card", card))]
    grouped = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    assert kinds(f"卡号 {grouped}") == [("bank_card", mask("bank_card", card))]
    assert kinds(f"项目编号：{card}") == []  # no card word: an order or document number
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert kinds(f"银行卡号：{wrong}") == []


def test_masks() -> None:
    assert mask("id_card", "410102199001011234") == "4101**********1234"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("bank_card", "6222020200112233445") == "6222***********3445"


def test_page_text_leaves_out_scripts_and_keeps_cells_apart() -> None:
    from crawler.extract.personal import page_text

    html = (
        "<html><head><script>var id='" + VALID_ID + "';</script></head><body>"
        "<table><tr><td>张三</td><td>" + VALID_ID + "</td></tr></table></body></html>"
    )
    text = page_text(html)
    assert text.count(VALID_ID) == 1  # the script's copy is not what a reader sees
    assert [m.kind for m in find_personal_data(text, today=TODAY)] == ["id_card"]


def test_a_text_shown_with_its_numbers_masked() -> None:
    from crawler.extract.personal import mask_personal_data

    card = luhn_ok(CARD)
    text = f"张三 {VALID_ID} 电话13812345678 银行卡号：{card[:4]} {card[4:8]} {card[8:]}。"
    shown = mask_personal_data(text, today=TODAY)
    assert VALID_ID not in shown
    assert "13812345678" not in shown
    assert card[4:8] + " " + card[8:12] not in shown
    assert shown.startswith("张三 " + mask("id_card", VALID_ID) + " 电话138****5678 银行卡号：")
    assert shown.endswith(mask("bank_card", card) + "。")
