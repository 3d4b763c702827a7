resource "aws_ecs_task_definition" "users" {
  family = "users"
  container_definitions = jsonencode([{
    name         = "users"
    image        = "registry.example.com/shop/users:latest"
    portMappings = [{ containerPort = 8000 }]
  }])
}

resource "aws_ecs_task_definition" "orders" {
  family = "orders"
  container_definitions = jsonencode([{
    name         = "orders"
    image        = "registry.example.com/shop/orders:latest"
    portMappings = [{ containerPort = 8001 }]
  }])
}
