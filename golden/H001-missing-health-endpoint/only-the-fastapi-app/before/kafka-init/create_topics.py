import argparse

from kafka.admin import KafkaAdminClient, NewTopic

parser = argparse.ArgumentParser()
parser.add_argument("--bootstrap", default="localhost:9092")
args = parser.parse_args()

admin = KafkaAdminClient(bootstrap_servers=args.bootstrap)
admin.create_topics([NewTopic("orders", num_partitions=3, replication_factor=1)])
