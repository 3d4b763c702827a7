module "user_service" {
  source          = "./modules/ecs-service"
  container_port  = 8000
  container_image = "${var.registry}/user-service:latest"
}

module "kyc_service" {
  source          = "./modules/ecs-service"
  container_port  = 8002
  container_image = "${var.registry}/kyc-service:latest"
}
