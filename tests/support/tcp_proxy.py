"""A TCP forwarder the tests can cut and restore, to make RabbitMQ unreachable without stopping it."""
import socket

import eventlet


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = None
        self._server = None
        self._acceptor = None
        self._links: list[socket.socket] = []
        self._pipes: list = []

    def start(self):
        self._server = eventlet.listen(("127.0.0.1", self.port or 0))
        self.port = self._server.getsockname()[1]
        self._acceptor = eventlet.spawn(self._accept)
        return self

    def stop(self):
        """Refuse new connections and cut every open one, as a broker outage would."""
        if self._acceptor is not None:
            self._acceptor.kill()
            self._acceptor = None
        if self._server is not None:
            self._server.close()
            self._server = None
        # Kill the readers first: closing a socket under a greenthread blocked in recv() does not
        # wake it, and its stale listener would clash with the next socket given that fd number.
        for pipe in self._pipes:
            pipe.kill()
        self._pipes.clear()
        for link in self._links:
            try:
                link.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            link.close()
        self._links.clear()

    def _accept(self):
        while True:
            client, _ = self._server.accept()
            try:
                upstream = eventlet.connect(self.target)
            except OSError:
                client.close()
                continue
            self._links += [client, upstream]
            self._pipes += [eventlet.spawn(self._pipe, client, upstream), eventlet.spawn(self._pipe, upstream, client)]

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except (OSError, EOFError):  # EOFError: the other direction closed this socket under our recv()
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass
