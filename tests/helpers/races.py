"""Run the same work from several threads at once, released together."""

import threading

from flask import Flask

from depomi_learn.extensions import db

RACERS = 6


def _race(app: Flask, work) -> list:
    barrier = threading.Barrier(RACERS)
    results: list = [None] * RACERS

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[index] = work()
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
