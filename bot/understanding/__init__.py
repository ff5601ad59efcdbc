"""What people type, understood by the core: métiers in a message, contracts, FAQ topics."""
