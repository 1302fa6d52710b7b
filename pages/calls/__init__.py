"""Calls: 통화내역, 부재중 전화 and 통화 통계, the incoming-call popup, click-to-dial and 문자보내기, and the
telephony alerts of the frame."""
