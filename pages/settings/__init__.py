"""설정 and 기초정보등록: users, company, CTI, Centrex, mail, addresses, code tables, Html문서, 메일 발송 내역 and
the audit log."""
