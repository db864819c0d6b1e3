// PLACEHOLDER: replaced by the shell.
#include <iostream>
int main() { std::cerr << "error: not implemented\n"; return 1; }
