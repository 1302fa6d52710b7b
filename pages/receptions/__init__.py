"""AS접수: the reception form (a dialog usable from any screen), the reception log and 고객접수현황."""
