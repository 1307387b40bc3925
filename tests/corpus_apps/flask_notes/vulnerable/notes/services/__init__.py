"""Business logic between the views and the DAOs."""
