"""Sales: 견적서 작성, 견적현황, 거래내역, 품목, and the order actions other screens open (주문등록, 주문처리,
출고처리)."""
