"""Importing this applies eventlet's monkey patch; it must come before anything imports socket or threading.

nameko runs on eventlet, and its pytest plugin no longer patches by itself.
"""
import warnings

# eventlet 0.41 warns on import that it is in maintenance mode; nameko 2 has no other hub.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()
