resource "aws_lb_target_group" "api" {
  name        = "api"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  health_check {
    path = "/health"
  }
}

resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([{
    name         = "api"
    image        = "${var.ecr_repo}:latest"
    portMappings = [{ containerPort = 8080 }]
  }])
}
