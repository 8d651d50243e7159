"""The registry service: the single source of truth on persons with disabilities, pokja and paguyuban."""
