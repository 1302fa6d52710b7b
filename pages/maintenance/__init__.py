"""유지보수관리: the due list with TOSP작성 and 유지보수동의서작성, the contract editor and widgets the customer
window's maintenance tabs share, and 갱신 안내."""
