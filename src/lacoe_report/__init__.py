"""Los Angeles County Office of Education Annual Report 2023-24 as verifiable data."""
