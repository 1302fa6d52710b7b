"""방문일지: the visit editor (a dialog) and 방문일정."""
