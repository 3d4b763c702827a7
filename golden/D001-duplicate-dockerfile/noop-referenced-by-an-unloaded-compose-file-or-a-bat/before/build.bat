docker build -f billing_svc\app\Dockerfile billing_svc
