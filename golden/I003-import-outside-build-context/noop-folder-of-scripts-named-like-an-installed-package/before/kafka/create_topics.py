"""Run once against the broker: python kafka/create_topics.py"""
import subprocess

for topic in ("orders", "payments"):
    subprocess.run(["kafka-topics.sh", "--create", "--topic", topic], check=False)
