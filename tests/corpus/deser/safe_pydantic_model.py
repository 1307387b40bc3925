from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Pipeline(BaseModel):
    name: str
    stages: list[str]


@app.post("/pipelines")
async def create_pipeline(pipeline: Pipeline):
    return {"name": pipeline.name, "stages": len(pipeline.stages)}
