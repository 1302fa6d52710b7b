"""고객관리: the customer search, the customer window (/customers/{id}) with its editor and tabs (tabs/),
명함관리, 엑셀 가져오기 and the 약도 image."""
