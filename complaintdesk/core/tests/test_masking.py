from complaintdesk.core.masking import mask_email, mask_name, mask_phone, mask_text


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
