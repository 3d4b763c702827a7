target "api" {
  context = "api"
  dockerfile = "app/Dockerfile"
}
