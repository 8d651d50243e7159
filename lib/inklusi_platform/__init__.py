"""Platform code every Inklusi service shares: one way to configure, persist, publish and consume."""
