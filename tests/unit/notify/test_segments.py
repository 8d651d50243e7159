"""SMS segmentation: GSM-7 160/153, UCS-2 70/67, two-septet characters never split."""
from notify.segments import segment

INDONESIAN_200 = (
    "Kabar bagus: ada tempat kosong di pelatihan pemasaran yang Anda tunggu di Balai Desa Lawang. "
    "Pendamping akan mengabarkan jadwalnya. Jika tidak bisa hadir, mohon kabari pendamping segera. Terima kasih."
)


def test_a_200_character_indonesian_message_is_two_gsm7_segments_of_153_and_47():
    assert len(INDONESIAN_200) == 200
    cut = segment(INDONESIAN_200)
    assert cut.encoding == "GSM-7"
    assert [len(p) for p in cut.parts] == [153, 47]
    assert "".join(cut.parts) == INDONESIAN_200


def test_160_gsm7_characters_fit_one_message_and_161_do_not():
    assert [len(p) for p in segment("a" * 160).parts] == [160]
    assert [len(p) for p in segment("a" * 161).parts] == [153, 8]


def test_extension_characters_count_twice_and_stay_whole():
    text = "a" * 152 + "€" + "b" * 10  # the euro sign would need septets 153 and 154
    cut = segment(text)
    assert cut.encoding == "GSM-7"
    assert cut.parts[0] == "a" * 152 and cut.parts[1].startswith("€")
    assert [len(p) for p in segment("[" * 80).parts] == [80]  # 160 septets: one message
    assert len(segment("[" * 81).parts) == 2


def test_a_character_outside_gsm7_makes_the_whole_message_ucs2_at_70_and_67():
    assert segment("Jadwal “baru” " + "a" * 56).encoding == "UCS-2"
    assert [len(p) for p in segment("“" + "a" * 69).parts] == [70]
    assert [len(p) for p in segment("“" + "a" * 70).parts] == [67, 4]


def test_a_surrogate_pair_counts_two_units_and_is_not_split():
    text = "a" * 66 + "\U0001F600" + "b" * 10
    cut = segment(text)
    assert cut.encoding == "UCS-2"
    assert cut.parts[0] == "a" * 66 and cut.parts[1].startswith("\U0001F600")


def test_an_empty_message_has_no_segments():
    assert segment("").parts == []
