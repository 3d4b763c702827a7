graphql_app = object()
