# One replica of the app: `streamlit run app.py` with the project's .streamlit/config.toml.
#   docker build -t softmax-explainer . && docker run --rm -p 8501:8501 softmax-explainer
# deploy/compose.yaml runs N of them behind nginx (deploy/README.md).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code belongs to root and is only read by the app's own user.
COPY . .
RUN python -m compileall -q . \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin streamlit
USER streamlit

EXPOSE 8501
# No curl in the slim image: Python asks Streamlit's health endpoint.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
