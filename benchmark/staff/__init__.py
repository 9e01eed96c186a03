"""Wing of the staff: accounts (sign-in, passwords, the account list) and administration."""
