"""HTTP handlers, one module per resource; each is a mixin of GatewayService."""
