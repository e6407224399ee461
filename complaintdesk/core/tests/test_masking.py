from complaintdesk.core.masking import mask_email, mask_name, mask_phone, mask_text, name_masker


def test_names_keep_their_first_character():
    assert mask_name("张三丰") == "张**"
    assert mask_name("Alice Smith") == "A****"
    assert mask_name("") == ""


def test_phones_keep_their_last_four_digits():
    assert mask_phone("+86 138-1234-5678") == "*********5678"
    assert mask_phone("123") == "***"


def test_emails_keep_the_domain():
    assert mask_email("wang.li@example.cn") == "w***@example.cn"


def test_free_text_masks_personal_data_and_the_known_customer():
    text = "王小明您好,您的号码13812345678已登记,订单DD202611030001处理中。"
    masked = mask_text(text, names=["王小明"])
    assert "王小明" not in masked
    assert "王**" in masked
    assert "13812345678" not in masked
    assert "DD202611030001" in masked


# The customer's name in free text ---------------------------------------------------------


def test_chinese_name_and_its_given_name_are_masked_in_text():
    masked = mask_text("张三丰来电:三丰说宽带又断了。", names=["张三丰"])
    assert masked == "张**来电:**说宽带又断了。"


def test_a_file_name_with_the_customers_name_is_masked():
    assert mask_text("张伟_身份证.jpg", names=["张伟"]) == "张**_身份证.jpg"
    assert mask_text("invoice_John_Smith.pdf", names=["John Smith"]) == "invoice_J***_S****.pdf"


def test_numbers_between_underscores_in_a_file_name_are_masked():
    masked = mask_text("赵六_身份证_110101199003071234_13700002222.png", names=["赵六"])
    assert masked == "赵**_身份证_[ID_NUMBER]_[PHONE].png"


def test_numbers_between_dashes_in_a_file_name_are_masked():
    masked = mask_text("赵六-身份证-110101199003071234-13700002222.png", names=["赵六"])
    assert masked == "赵**-身份证-[ID_NUMBER]-[PHONE].png"


def test_an_email_with_an_underscore_is_masked_whole():
    assert mask_text("回复到 zhang_wei@example.com") == "回复到 [EMAIL]"


def test_dates_and_order_numbers_in_file_names_are_left_alone():
    for name in (
        "IMG_20260315_143022.jpg",
        "订单_DD2026031512345678.pdf",
        "Screenshot_2026-03-15-14-30-22.png",
        "账单-2026-03.pdf",
    ):
        assert mask_text(name) == name


def test_english_names_are_masked_case_insensitively_as_whole_words():
    masked = mask_text(
        "JOHN called; smith too. Johnson and Smithers are others.", names=["John Smith"]
    )
    assert masked == "J*** called; s**** too. Johnson and Smithers are others."


def test_a_one_character_chinese_name_does_not_mangle_the_text():
    # 王 alone is part of countless words; the customer field still shows 王**.
    text = "在王府井营业厅办理,王经理说会处理。"
    assert mask_text(text, names=["王"]) == text


def test_an_english_name_that_is_an_everyday_word_is_masked_only_as_the_full_name():
    masked = mask_text("I will call Will Smith back; Smith agreed.", names=["Will Smith"])
    assert masked == "I will call W*** S**** back; S**** agreed."
    assert mask_text("Will you call? I will.", names=["Will"]) == "Will you call? I will."


def test_two_letter_names_are_masked_only_together():
    assert (
        mask_text("Li Na called; li ning shoes", names=["Li Na"]) == "L** N** called; li ning shoes"
    )


def test_a_courtesy_title_is_not_taken_for_a_given_name():
    masked = mask_text("王女士来电,其他女士也反映了。", names=["王女士"])
    assert masked == "王**来电,其他女士也反映了。"


def test_the_traditional_form_of_a_chinese_name_is_masked():
    assert mask_text("張偉先生來電,偉說沒網", names=["张伟"]) == "張**先生來電,偉說沒網"
    assert mask_text("张伟来电", names=["張偉"]) == "张**来电"


def test_the_name_pattern_is_built_once_per_set_of_names():
    assert name_masker(("张伟",)) is name_masker(("张伟",))
